-- Writes a partition snapshot increment in one atomic step: the seats changed by a batch
-- plus the last offset the batch applied.
-- KEYS[1]: the partition's meta hash (token, offset, ...); KEYS[2]: its seats hash, whose
-- field '#offset' repeats the offset the seats reflect.
-- ARGV[1]: the writer's claim token; ARGV[2]: the offset this owner last wrote or loaded
-- ('' when it loaded none); ARGV[3]: the new offset; ARGV[4..]: seat key, record pairs (an
-- empty record deletes the seat).
-- Returns 'FENCED' unless the stored token equals the writer's (a missing token, as after
-- a Redis restart, refuses every write); 'STALE' unless Redis holds exactly the version
-- this owner last wrote or loaded, below the new offset: a Redis that came back behind (a lagging replica, a
-- restored copy) or lost one of the two keys (the seats hash evicted while the meta
-- survives) must never take an increment on top of another state.
-- A write whose offset is already stored under the same token is a re-sent copy (ioredis
-- re-sends in-flight commands after a reconnect): nothing to do, and it answers OK.
local MARKER = '#offset'
local token = redis.call('HGET', KEYS[1], 'token')
if (not token) or token ~= ARGV[1] then
  return 'FENCED'
end
local stored = redis.call('HGET', KEYS[1], 'offset')
if redis.call('HGET', KEYS[2], MARKER) ~= stored then
  return 'STALE'
end
if stored == ARGV[3] then
  return 'OK'
end
if (stored or '') ~= ARGV[2] or (stored and tonumber(stored) > tonumber(ARGV[3])) then
  return 'STALE'
end
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[2], ARGV[i])
  else
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
redis.call('HSET', KEYS[2], MARKER, ARGV[3])
redis.call('HSET', KEYS[1], 'offset', ARGV[3])
return 'OK'
