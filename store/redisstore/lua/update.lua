-- update.lua replaces a roster record whose version is ARGV[13], with its
-- audit event (UpdatePartner, UpdateCase, UpdateAppointment).
--   KEYS[4] the record   KEYS[5] its kind's ID index (unused)
--   KEYS[6] (cases only) the new external reference's key
--   ARGV[7] ID   ARGV[8] JSON doc   ARGV[9] action   ARGV[10] object kind
--   ARGV[11] related JSON ('' for none)   ARGV[12] external reference ('')
--   ARGV[13] expected version   ARGV[14..] more field/value pairs
-- Reply: {new version, created (ns), updated (ns)}.
local now, nowns = clock()
local id = ARGV[7]
local cur = redis.call('HMGET', KEYS[4], 'ver', 'cns', 'ref')
if not cur[1] then return fail('NOTFOUND') end
if cur[1] ~= ARGV[13] then return fail('CONFLICT', 'stored version ' .. cur[1]) end
local ver = tonumber(cur[1]) + 1
local f = {'doc', ARGV[8], 'ver', ver, 'uns', nowns}
for i = 14, #ARGV do f[#f + 1] = ARGV[i] end
if KEYS[6] and cur[3] ~= ARGV[12] then
  local owner = redis.call('GET', KEYS[6])
  if owner and owner ~= id then return fail('EXISTS', 'external_ref') end
  if cur[3] then redis.call('DEL', base .. 'caseref:' .. cur[3]) end
  redis.call('SET', KEYS[6], id)
  f[#f + 1] = 'ref'
  f[#f + 1] = ARGV[12]
end
redis.call('HSET', KEYS[4], unpack(f))
audit(nowns, ARGV[3], ARGV[9], ARGV[10], id, ARGV[11], nil)
return {ver, cur[2], nowns}
