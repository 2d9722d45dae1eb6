-- load.lua reads a partner's capacity, committed units and live held
-- units in one atomic read (store.HoldStore.Load). It writes nothing.
--   KEYS[4] partner   KEYS[5] the partner's held set
-- Reply: {capacity, committed, held}.
local now = clock()
local p = redis.call('HMGET', KEYS[4], 'cap', 'committed', 'held')
if not p[1] then return fail('NOTFOUND', 'partner') end
-- The held field counts every member of the held set; subtract those
-- whose window has passed but that no script has recorded as expired.
local held = tonumber(p[3]) or 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)) do
  held = held - tonumber(redis.call('HGET', asgkey(id), 'units'))
end
return {tonumber(p[1]), tonumber(p[2]), held}
