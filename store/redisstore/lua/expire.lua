-- expire.lua records up to ARGV[7] holds whose window has passed as
-- expired, oldest first (store.HoldStore.ExpireHolds).
--   KEYS[4] pending   ARGV[7] limit
-- Reply: the fields of each assignment it expired.
local now, nowns = clock()
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, tonumber(ARGV[7]))) do
  if expire(id, nowns) then
    out[#out + 1] = redis.call('HGETALL', asgkey(id))
  end
end
return out
