-- Claims a partition's snapshot for a new owner (DESIGN §3.8–3.9), in one atomic step.
-- KEYS[1]: the partition's meta hash (token, offset); KEYS[2]: its seats hash.
-- ARGV[1]: the owner's fresh random token; ARGV[2]: the partition's end offset (the next
-- offset the log will write).
-- A snapshot whose offset is at or past the log's end belongs to another log: it is
-- discarded, and the partition replays from the start.
-- Returns { discarded (0|1), stored offset or false }.
local stored = redis.call('HGET', KEYS[1], 'offset')
local discarded = 0
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], 'offset')
  discarded = 1
  stored = false
end
redis.call('HSET', KEYS[1], 'token', ARGV[1])
return { discarded, stored }
