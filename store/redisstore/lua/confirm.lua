-- confirm.lua turns a live hold into a confirmed assignment
-- (store.HoldStore.Confirm).
--   KEYS[4] the assignment   ARGV[7] its ID
-- Reply: {changed (0/1), the assignment's fields}.
local now, nowns = clock()
local id = ARGV[7]
local a = redis.call('HMGET', KEYS[4], 'state', 'case', 'partner', 'units', 'exp')
if not a[1] then return fail('NOTFOUND', 'assignment') end
if a[1] == 'confirmed' then return {0, redis.call('HGETALL', KEYS[4])} end
if a[1] == 'expired' then return fail('HOLDEXPIRED') end
if a[1] ~= 'held' then return fail('BADTRANSITION', 'state ' .. a[1]) end
if now >= tonumber(a[5]) then return fail('HOLDEXPIRED') end
redis.call('HSET', KEYS[4], 'state', 'confirmed', 'decided_ns', nowns, 'confirmed_ns', nowns, 'decided_by', ARGV[4])
redis.call('HINCRBY', partnerkey(a[3]), 'committed', a[4])
unhold(id, a[3], a[4])
audit(nowns, ARGV[3], 'hold.confirmed', 'assignment', id, related(a[2], a[3]), nil)
return {1, redis.call('HGETALL', KEYS[4])}
