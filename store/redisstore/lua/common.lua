-- common.lua is prepended to every script of this package.
--
-- Conventions of every script:
--   KEYS[1]  the organization's key prefix "<prefix>:{<org>}:". It names no
--            key; keys known only while the script runs (an expired hold
--            found in a partner's held set, the case of an assignment) are
--            built from it and share its hash tag, hence its Cluster slot.
--   KEYS[2]  <base>auditseq   KEYS[3]  <base>audit
--   ARGV[1]  now in Unix milliseconds, or '' to read Redis TIME
--   ARGV[2]  now in Unix nanoseconds (decimal), with ARGV[1]
--   ARGV[3]  the acting audit.Actor as JSON   ARGV[4] its principal
--   ARGV[5]  audit.System as JSON             ARGV[6] its principal
-- Script-specific arguments start at KEYS[4] and ARGV[7].
--
-- Times compared in scripts are integer milliseconds (exact in a Lua
-- double, and printed in full by tostring up to the year 5138); times
-- stored for display are decimal nanosecond strings, never numbers.
-- Errors are replies "AL_<CODE> <detail>" mapped to store errors in Go;
-- a script that returns an error has written nothing.

local base = KEYS[1]

-- clock returns the store's now: milliseconds (number) and nanoseconds
-- (string).
local function clock()
  if ARGV[1] ~= '' then
    return tonumber(ARGV[1]), ARGV[2]
  end
  local t = redis.call('TIME')
  local us = tonumber(t[2])
  return tonumber(t[1]) * 1000 + math.floor(us / 1000), t[1] .. string.format('%06d', us) .. '000'
end

-- audit appends one event with the next sequence number. rel is a JSON
-- object (string) or nil; outcome may be nil.
local function audit(tns, actor, action, kind, id, rel, outcome)
  local seq = redis.call('INCR', KEYS[2])
  local f = {'t', tns, 'a', action, 'k', kind, 'o', id, 'ac', actor}
  if rel and rel ~= '' then
    f[#f + 1] = 'r'
    f[#f + 1] = rel
  end
  if outcome and outcome ~= '' then
    f[#f + 1] = 'out'
    f[#f + 1] = outcome
  end
  redis.call('XADD', KEYS[3], seq .. '-0', unpack(f))
  return seq
end

local function asgkey(id) return base .. 'asg:' .. id end
local function heldkey(partner) return base .. 'held:' .. partner end
local function casekey(id) return base .. 'case:' .. id end
local function partnerkey(id) return base .. 'partner:' .. id end
local pendingkey = base .. 'pending'

local function related(case, partner)
  return cjson.encode({case = case, partner = partner})
end

-- unhold removes a hold from its partner's held set and the pending set.
-- A partner's "held" field is kept equal to the units of its held set's
-- members (live holds plus passed ones not yet recorded as expired).
local function unhold(id, partner, units)
  if redis.call('ZREM', heldkey(partner), id) == 1 then
    redis.call('HINCRBY', partnerkey(partner), 'held', -tonumber(units))
  end
  redis.call('ZREM', pendingkey, id)
end

-- unindex is unhold, and clears the hold as its case's current assignment.
local function unindex(id, case, partner, units)
  unhold(id, partner, units)
  local ck = casekey(case)
  if redis.call('HGET', ck, 'cur') == id then
    redis.call('HDEL', ck, 'cur')
  end
end

-- expire records that a held assignment's offer window has passed: state
-- expired, decided by the system, a hold.expired event. The caller has
-- checked that its expiry is at or before now. It returns whether the
-- assignment was held.
local function expire(id, nowns)
  local a = redis.call('HMGET', asgkey(id), 'state', 'case', 'partner', 'units')
  if a[1] ~= 'held' then
    redis.call('ZREM', pendingkey, id) -- not indexed as held: nothing else to undo
    return false
  end
  redis.call('HSET', asgkey(id), 'state', 'expired', 'decided_ns', nowns, 'decided_by', ARGV[6])
  unindex(id, a[2], a[3], a[4])
  audit(nowns, ARGV[5], 'hold.expired', 'assignment', id, related(a[2], a[3]), nil)
  return true
end

local function fail(code, detail)
  return redis.error_reply('AL_' .. code .. ' ' .. (detail or ''))
end
