-- Claims a partition's snapshot for a new owner, in one atomic step.
-- KEYS[1]: the partition's meta hash (token, offset, generation, log, claimedAt);
-- KEYS[2]: its seats hash, whose field '#offset' repeats the offset the seats reflect.
-- ARGV[1]: the owner's fresh random token; ARGV[2]: the partition's end offset (the next
-- offset the log will write); ARGV[3]: the Kafka group generation of the assignment;
-- ARGV[4]: the fingerprint of the log ('<cluster id>|<first record time>', the time empty
-- while the partition is empty); ARGV[5]: how long (ms) a claim of a newer generation
-- keeps precedence over an older one.
-- An older generation's claim never replaces a newer one while that one is younger than
-- ARGV[5] (past it, the group itself may have been recreated and restarted its count).
-- A snapshot is discarded (the partition replays from the start) when it belongs to
-- another log (another fingerprint, or an offset at or past the log's end) or when its
-- seats and meta diverged (one of the two keys lost, or from another version).
-- Returns { 'OK', discard reason or '', stored offset or false }
--      or { 'SUPERSEDED', the stored generation }.
local MARKER = '#offset'
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local meta = redis.call('HMGET', KEYS[1], 'offset', 'generation', 'log', 'claimedAt')
local stored, storedGeneration, storedLog = meta[1], tonumber(meta[2]), meta[3]
local generation = tonumber(ARGV[3])
if storedGeneration and storedGeneration > generation then
  if nowMs - tonumber(meta[4] or 0) < tonumber(ARGV[5]) then
    return { 'SUPERSEDED', storedGeneration }
  end
end

-- Same log: same cluster, and the same first record where both sides know it.
local function sameLog(a, b)
  if not a then return false end
  if a == b then return true end
  local aCluster, aFirst = string.match(a, '^(.*)|([^|]*)$')
  local bCluster, bFirst = string.match(b, '^(.*)|([^|]*)$')
  return aCluster ~= nil and aCluster == bCluster and (aFirst == '' or bFirst == '')
end

local reason = ''
if stored then
  if not sameLog(storedLog, ARGV[4]) then
    reason = 'other-log'
  elseif tonumber(stored) >= tonumber(ARGV[2]) then
    reason = 'past-log-end'
  elseif redis.call('HGET', KEYS[2], MARKER) ~= stored then
    reason = 'diverged'
  end
elseif redis.call('EXISTS', KEYS[2]) == 1 then
  -- Seats without the meta that says which offset they reflect.
  reason = 'diverged'
end
if reason ~= '' then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], 'offset')
  stored = false
end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'generation', ARGV[3], 'log', ARGV[4],
  'claimedAt', nowMs)
return { 'OK', reason, stored }
