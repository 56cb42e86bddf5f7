-- Writes a partition snapshot increment (DESIGN §3.7, §3.9), in one atomic step: the seats
-- changed by a batch plus the last offset the batch applied.
-- KEYS[1]: the partition's meta hash (token, offset); KEYS[2]: its seats hash.
-- ARGV[1]: the writer's claim token; ARGV[2]: the offset; ARGV[3..]: seat key, record
-- pairs (an empty record deletes the seat).
-- Refuses unless the stored token equals the writer's (a missing token, as after a Redis
-- restart, refuses every write) and the stored offset is below the new one. A write whose
-- offset is already stored under the same token is a re-sent copy (ioredis re-sends
-- in-flight commands after a reconnect): nothing to do, and it answers OK.
local token = redis.call('HGET', KEYS[1], 'token')
if (not token) or token ~= ARGV[1] then
  return 'FENCED'
end
local stored = redis.call('HGET', KEYS[1], 'offset')
if stored then
  local storedOffset = tonumber(stored)
  local newOffset = tonumber(ARGV[2])
  if storedOffset == newOffset then
    return 'OK'
  end
  if storedOffset > newOffset then
    return 'STALE'
  end
end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[2], ARGV[i])
  else
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
redis.call('HSET', KEYS[1], 'offset', ARGV[2])
return 'OK'
