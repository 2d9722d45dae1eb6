-- create.lua stores a new roster record at version 1 with its audit
-- event (CreatePartner, CreateCase, CreateAppointment).
--   KEYS[4] the record   KEYS[5] its kind's ID index
--   KEYS[6] (cases only) the external reference's key
--   ARGV[7] ID   ARGV[8] JSON doc   ARGV[9] action   ARGV[10] object kind
--   ARGV[11] related JSON ('' for none)   ARGV[12] external reference ('')
--   ARGV[13..] more field/value pairs for the record's hash
-- Reply: {version, created (ns)}.
local now, nowns = clock()
local id = ARGV[7]
if redis.call('EXISTS', KEYS[4]) == 1 then return fail('EXISTS', 'id') end
if KEYS[6] and redis.call('EXISTS', KEYS[6]) == 1 then return fail('EXISTS', 'external_ref') end
local f = {'doc', ARGV[8], 'ver', 1, 'cns', nowns, 'uns', nowns}
for i = 13, #ARGV do f[#f + 1] = ARGV[i] end
if KEYS[6] then
  redis.call('SET', KEYS[6], id)
  f[#f + 1] = 'ref'
  f[#f + 1] = ARGV[12]
end
redis.call('HSET', KEYS[4], unpack(f))
redis.call('ZADD', KEYS[5], 0, id)
audit(nowns, ARGV[3], ARGV[9], ARGV[10], id, ARGV[11], nil)
return {1, nowns}
