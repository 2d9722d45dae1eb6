-- reserve.lua places a hold if the partner has room (store.HoldStore.Reserve).
--   KEYS[4] idempotency record   KEYS[5] partner   KEYS[6] case
--   KEYS[7] the partner's held set   KEYS[8] pending   KEYS[9] asgs index
--   KEYS[10] the new assignment
--   ARGV[7] fingerprint   ARGV[8] units asked (0: the case's)
--   ARGV[9] expires (ms)  ARGV[10] new assignment ID   ARGV[11] its JSON doc
--   ARGV[12] idempotency retention (ms)   ARGV[13] case ID   ARGV[14] partner ID
-- Reply: {replayed (0/1), record JSON}.
local now, nowns = clock()
local caseid, partnerid = ARGV[13], ARGV[14]

-- 1. The idempotency record decides first: replay, or key reused.
local rec = redis.call('GET', KEYS[4])
if rec then
  local r = cjson.decode(rec)
  if now < r.cms + tonumber(ARGV[12]) then
    if r.fp ~= ARGV[7] then
      return fail('KEYREUSED')
    end
    if r.asg ~= '' then
      audit(nowns, ARGV[3], 'hold.replayed', 'assignment', r.asg, related(r.c, r.p), r.o)
    else
      audit(nowns, ARGV[3], 'hold.replayed', 'case', r.c, cjson.encode({partner = r.p}), r.o)
    end
    return {1, rec}
  end
end

-- 2. Errors, before anything is written.
local p = redis.call('HMGET', KEYS[5], 'status', 'cap', 'committed')
if not p[1] then return fail('NOTFOUND', 'partner') end
local c = redis.call('HMGET', KEYS[6], 'status', 'units', 'cur')
if not c[1] then return fail('NOTFOUND', 'case') end
local exp = tonumber(ARGV[9])
if exp <= now then return fail('EXPIRESPAST') end
if redis.call('EXISTS', KEYS[10]) == 1 then return fail('EXISTS', 'assignment') end

-- 3. Holds of this partner whose window has passed are recorded as expired.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', now)) do
  expire(id, nowns)
end

local units = tonumber(ARGV[8])
if units == 0 then units = tonumber(c[2]) end

-- 4. The outcome.
local outcome = 'held'
if c[1] == 'closed' then
  outcome = 'case_closed'
elseif c[3] then
  local a = redis.call('HMGET', asgkey(c[3]), 'state', 'exp')
  if a[1] == 'confirmed' then
    outcome = 'case_taken'
  elseif a[1] == 'held' then
    if now < tonumber(a[2]) then
      outcome = 'case_taken'
    else
      expire(c[3], nowns)
    end
  end
end
if outcome == 'held' and p[1] ~= 'active' then
  outcome = 'partner_unavailable'
end
-- After the purge every member of the held set is live.
local cap, committed = tonumber(p[2]), tonumber(p[3])
local held = tonumber(redis.call('HGET', KEYS[5], 'held')) or 0
if outcome == 'held' and committed + held + units > cap then
  outcome = 'full'
end

-- 5. Write the hold (or the refusal), its event and the record.
local asg, doc = '', ''
if outcome == 'held' then
  asg, doc = ARGV[10], ARGV[11]
  redis.call('HSET', KEYS[10], 'doc', doc, 'state', 'held', 'case', caseid, 'partner', partnerid,
    'units', units, 'exp', ARGV[9], 'held_ns', nowns)
  redis.call('ZADD', KEYS[7], ARGV[9], asg)
  redis.call('HINCRBY', KEYS[5], 'held', units)
  redis.call('ZADD', KEYS[8], ARGV[9], asg)
  redis.call('ZADD', KEYS[9], 0, asg)
  redis.call('HSET', KEYS[6], 'cur', asg)
  held = held + units
  audit(nowns, ARGV[3], 'hold.placed', 'assignment', asg, related(caseid, partnerid), nil)
else
  audit(nowns, ARGV[3], 'hold.refused', 'case', caseid, cjson.encode({partner = partnerid}), outcome)
end
rec = cjson.encode({fp = ARGV[7], o = outcome, u = units, cap = cap, com = committed, held = held,
  asg = asg, doc = doc, hns = nowns, c = caseid, p = partnerid, cms = now})
redis.call('SET', KEYS[4], rec, 'PX', ARGV[12])
return {0, rec}
