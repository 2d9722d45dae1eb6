-- decline.lua ends a hold, live or expired but not yet swept, as declined
-- (store.HoldStore.Decline).
--   KEYS[4] the assignment   ARGV[7] its ID   ARGV[8] reason ('' for none)
-- Reply: {changed (0/1), the assignment's fields}.
local now, nowns = clock()
local id = ARGV[7]
local a = redis.call('HMGET', KEYS[4], 'state', 'case', 'partner', 'units')
if not a[1] then return fail('NOTFOUND', 'assignment') end
if a[1] == 'declined' then return {0, redis.call('HGETALL', KEYS[4])} end
if a[1] ~= 'held' then return fail('BADTRANSITION', 'state ' .. a[1]) end
redis.call('HSET', KEYS[4], 'state', 'declined', 'decided_ns', nowns, 'decided_by', ARGV[4])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[4], 'reason', ARGV[8]) end
unindex(id, a[2], a[3], a[4])
audit(nowns, ARGV[3], 'hold.declined', 'assignment', id, related(a[2], a[3]), nil)
return {1, redis.call('HGETALL', KEYS[4])}
