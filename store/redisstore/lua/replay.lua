-- replay.lua reads an idempotency record still within its retention
-- (store.HoldStore.Replay). It writes nothing.
--   KEYS[4] the record   ARGV[7] retention (ms)
-- Reply: the record JSON, or nil.
local now = clock()
local rec = redis.call('GET', KEYS[4])
if not rec then return false end
if now >= cjson.decode(rec).cms + tonumber(ARGV[7]) then return false end
return rec
