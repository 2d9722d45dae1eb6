-- release.lua ends a confirmed assignment or a live hold, freeing its
-- units (store.HoldStore.Release).
--   KEYS[4] the assignment   ARGV[7] its ID   ARGV[8] reason ('' for none)
-- Reply: {changed (0/1), the assignment's fields}.
local now, nowns = clock()
local id = ARGV[7]
local a = redis.call('HMGET', KEYS[4], 'state', 'case', 'partner', 'units', 'exp')
if not a[1] then return fail('NOTFOUND', 'assignment') end
if a[1] == 'released' then return {0, redis.call('HGETALL', KEYS[4])} end
if a[1] == 'confirmed' then
  redis.call('HINCRBY', partnerkey(a[3]), 'committed', -tonumber(a[4]))
elseif a[1] == 'held' then
  if now >= tonumber(a[5]) then return fail('HOLDEXPIRED') end
else
  return fail('BADTRANSITION', 'state ' .. a[1])
end
redis.call('HSET', KEYS[4], 'state', 'released', 'decided_ns', nowns, 'decided_by', ARGV[4])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[4], 'reason', ARGV[8]) end
unindex(id, a[2], a[3], a[4])
audit(nowns, ARGV[3], 'hold.released', 'assignment', id, related(a[2], a[3]), nil)
return {1, redis.call('HGETALL', KEYS[4])}
