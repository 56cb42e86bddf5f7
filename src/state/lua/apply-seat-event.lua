-- Applies one `seat-events` record to the seat-map read model, atomically.
-- KEYS[1] offsets hash (partition -> last applied offset), KEYS[2] the show's seats hash,
-- KEYS[3] the show's counts hash (held, reserved, versionSum: the sum of its seats' versions,
-- which clients compare with their own to notice a change they missed).
-- ARGV[1] partition, ARGV[2] offset, ARGV[3] seatId ('' when the record changes no seat),
-- ARGV[4] the seat's new version, ARGV[5] its new status, ARGV[6] its stored JSON,
-- ARGV[7] the partition's first offset (where a rebuild starts).
-- Returns {code, changed, previous status}:
--   LOST: no offset record for the partition (Redis lost the read model), or a partition
--         started over (-1) that is not being read from its first offset: nothing written;
--   DUP:  the record is at or below the partition's offset: nothing written;
--   OK:   offset recorded; changed = 1 if the seat moved to a newer version.
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then
  return {'LOST', 0, ''}
end
local offset = tonumber(ARGV[2])
if tonumber(stored) < 0 and offset ~= tonumber(ARGV[7]) then
  return {'LOST', 0, ''}
end
if tonumber(stored) >= offset then
  return {'DUP', 0, ''}
end
local changed = 0
local previous = ''
if ARGV[3] ~= '' then
  local version = tonumber(ARGV[4])
  local current = redis.call('HGET', KEYS[2], ARGV[3])
  local currentVersion = 0
  previous = 'available'
  if current then
    local seat = cjson.decode(current)
    currentVersion = tonumber(seat.v)
    previous = seat.s
  end
  -- A late or repeated event never moves a seat back.
  if version > currentVersion then
    redis.call('HINCRBY', KEYS[3], 'versionSum', version - currentVersion)
    redis.call('HSET', KEYS[2], ARGV[3], ARGV[6])
    if previous ~= ARGV[5] then
      if previous ~= 'available' then redis.call('HINCRBY', KEYS[3], previous, -1) end
      if ARGV[5] ~= 'available' then redis.call('HINCRBY', KEYS[3], ARGV[5], 1) end
    end
    changed = 1
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {'OK', changed, previous}
