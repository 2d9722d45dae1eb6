-- saveplan.lua replaces the itineraries of the listed partners for one
-- date, with one plan.saved event (SavePlan).
--   KEYS[4] the date's index: a ZSET of partner IDs, all at score 0
--   ARGV[7] the date "YYYY-MM-DD"   ARGV[8] related JSON
--   ARGV[9..] pairs: partner ID, itinerary JSON ('' deletes the
--            partner's itinerary)
-- An itinerary is a STRING at <base>itin:<date>:<partner>.
-- Reply: the event's sequence number.
local now, nowns = clock()
local date = ARGV[7]
for i = 9, #ARGV, 2 do
  local partner, doc = ARGV[i], ARGV[i + 1]
  local key = base .. 'itin:' .. date .. ':' .. partner
  if doc == '' then
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[4], partner)
  else
    redis.call('SET', key, doc)
    redis.call('ZADD', KEYS[4], 0, partner)
  end
end
return audit(nowns, ARGV[3], 'plan.saved', 'plan', date, ARGV[8], nil)
