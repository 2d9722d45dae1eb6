-- reserve.lua places a hold on the first of a reservation's partners that
-- has room (store.HoldStore.Reserve).
--   KEYS[4] idempotency record   KEYS[5] partner   KEYS[6] case
--   KEYS[7] the partner's held set   KEYS[8] pending   KEYS[9] asgs index
--   KEYS[10] the new assignment
--   ARGV[7] fingerprint   ARGV[8] units asked (0: the case's)
--   ARGV[9] expires (ms)  ARGV[10] new assignment ID   ARGV[11] its JSON doc
--   ARGV[12] idempotency retention (ms)   ARGV[13] case ID   ARGV[14] partner ID
--   ARGV[15..] alternates: partner ID, its hold's JSON doc; tried in order
--   when the partners before are full or not active (a missing alternate
--   counts as not active)
-- Reply: {replayed (0/1), record JSON}.
local now, nowns = clock()
local caseid = ARGV[13]

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
if redis.call('EXISTS', KEYS[5]) == 0 then return fail('NOTFOUND', 'partner') end
local c = redis.call('HMGET', KEYS[6], 'status', 'units', 'cur')
if not c[1] then return fail('NOTFOUND', 'case') end
local exp = tonumber(ARGV[9])
if exp <= now then return fail('EXPIRESPAST') end
if redis.call('EXISTS', KEYS[10]) == 1 then return fail('EXISTS', 'assignment') end

local units = tonumber(ARGV[8])
if units == 0 then units = tonumber(c[2]) end

-- 3. Whether the case can take a hold at all.
local caseout = nil
if c[1] == 'closed' then
  caseout = 'case_closed'
elseif c[3] then
  local a = redis.call('HMGET', asgkey(c[3]), 'state', 'exp')
  if a[1] == 'confirmed' then
    caseout = 'case_taken'
  elseif a[1] == 'held' then
    if now < tonumber(a[2]) then
      caseout = 'case_taken'
    else
      expire(c[3], nowns)
    end
  end
end

-- 4. The partners in order: the first with room gets the hold.
local cands = {{id = ARGV[14], pk = KEYS[5], hk = KEYS[7], doc = ARGV[11]}}
for i = 15, #ARGV, 2 do
  cands[#cands + 1] = {id = ARGV[i], pk = partnerkey(ARGV[i]), hk = heldkey(ARGV[i]), doc = ARGV[i + 1]}
end
local outcome, partnerid, cap, committed, held, asg, doc
for _, cand in ipairs(cands) do
  partnerid = cand.id
  -- Holds of this partner whose window has passed are recorded as expired.
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', cand.hk, '-inf', now)) do
    expire(id, nowns)
  end
  local p = redis.call('HMGET', cand.pk, 'status', 'cap', 'committed', 'held')
  -- After the purge every member of the held set is live.
  cap, committed, held = tonumber(p[2]) or 0, tonumber(p[3]) or 0, tonumber(p[4]) or 0
  outcome = caseout
  if not outcome then
    if p[1] ~= 'active' then
      outcome = 'partner_unavailable'
    elseif committed + held + units > cap then
      outcome = 'full'
    else
      outcome = 'held'
    end
  end
  -- 5. Write the hold, or the refusal and its event.
  asg, doc = '', ''
  if outcome == 'held' then
    asg, doc = ARGV[10], cand.doc
    redis.call('HSET', KEYS[10], 'doc', doc, 'state', 'held', 'case', caseid, 'partner', partnerid,
      'units', units, 'exp', ARGV[9], 'held_ns', nowns)
    redis.call('ZADD', cand.hk, ARGV[9], asg)
    redis.call('HINCRBY', cand.pk, 'held', units)
    redis.call('ZADD', KEYS[8], ARGV[9], asg)
    redis.call('ZADD', KEYS[9], 0, asg)
    redis.call('HSET', KEYS[6], 'cur', asg)
    held = held + units
    audit(nowns, ARGV[3], 'hold.placed', 'assignment', asg, related(caseid, partnerid), nil)
    break
  end
  audit(nowns, ARGV[3], 'hold.refused', 'case', caseid, cjson.encode({partner = partnerid}), outcome)
  if caseout then break end
end
rec = cjson.encode({fp = ARGV[7], o = outcome, u = units, cap = cap, com = committed, held = held,
  asg = asg, doc = doc, hns = nowns, c = caseid, p = partnerid, cms = now})
redis.call('SET', KEYS[4], rec, 'PX', ARGV[12])
return {0, rec}
