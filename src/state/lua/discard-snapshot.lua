-- Drops a partition's snapshot (seats and offset) for the owner that cannot read it, in
-- one atomic step; the claim stays. KEYS[1]: the meta hash; KEYS[2]: the seats hash.
-- ARGV[1]: the owner's claim token. Returns 1, or 0 when the token no longer holds it.
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[1], 'offset')
return 1
