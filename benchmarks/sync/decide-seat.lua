-- The `sync` baseline's whole decision for one seat command, atomically (docs/design.md §3.5 rules,
-- time from the Redis clock, expiry checked when the seat is next touched).
-- KEYS[1] the show's seats hash (seatId -> JSON {s, v, h, u, e, x}),
-- KEYS[2] the command's idempotency key (user, seat, commandId).
-- ARGV[1] 'hold' | 'confirm' | 'release', ARGV[2] seatId, ARGV[3] userId,
-- ARGV[4] the command's holdId (confirm/release) or the new hold's id (hold),
-- ARGV[5] the show's hold TTL (ms), ARGV[6] how long a commandId is remembered (ms).
-- Returns JSON {t = held|reserved|released|rejected, v, h, e, r (reason), c (changed), now};
-- a repeated commandId returns the first decision unchanged (c = 0).
local prior = redis.call('GET', KEYS[2])
if prior then return prior end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local kind, seatId, user, holdId = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local raw = redis.call('HGET', KEYS[1], seatId)
local seat = { s = 'available', v = 0 }
if raw then seat = cjson.decode(raw) end
local expired = seat.s == 'held' and now >= seat.e

local result
local function reject(reason) result = { t = 'rejected', v = seat.v, r = reason, c = 0 } end

if kind == 'hold' then
  if seat.s == 'held' and not expired and seat.u == user then
    result = { t = 'held', v = seat.v, h = seat.h, e = seat.e, c = 0 }
  elseif seat.s == 'available' or expired then
    -- An expired hold is released first (one version), then the new hold granted.
    if expired then seat.x = seat.h; seat.v = seat.v + 1 end
    seat.s, seat.v, seat.h, seat.u, seat.e = 'held', seat.v + 1, holdId, user, now + tonumber(ARGV[5])
    redis.call('HSET', KEYS[1], seatId, cjson.encode(seat))
    result = { t = 'held', v = seat.v, h = seat.h, e = seat.e, c = 1 }
  else
    reject('SEAT_TAKEN')
  end
elseif seat.s == 'reserved' then
  if kind == 'confirm' and seat.h == holdId and seat.u == user then
    result = { t = 'reserved', v = seat.v, h = seat.h, c = 0 }
  elseif kind == 'release' then
    reject('SEAT_TAKEN')
  else
    reject('NOT_HOLDER')
  end
elseif seat.s == 'held' and seat.h == holdId then
  if seat.u ~= user then
    reject('NOT_HOLDER')
  elseif expired then
    reject('HOLD_EXPIRED')
  elseif kind == 'confirm' then
    seat.s, seat.v, seat.e = 'reserved', seat.v + 1, nil
    redis.call('HSET', KEYS[1], seatId, cjson.encode(seat))
    result = { t = 'reserved', v = seat.v, h = seat.h, c = 1 }
  else
    local ended = seat.h
    seat = { s = 'available', v = seat.v + 1, x = seat.x }
    redis.call('HSET', KEYS[1], seatId, cjson.encode(seat))
    result = { t = 'released', v = seat.v, h = ended, c = 1 }
  end
elseif seat.x == holdId or (seat.s == 'held' and expired and seat.h == holdId) then
  reject('HOLD_EXPIRED')
else
  reject('NOT_HOLDER')
end

result.now = now
local changed = result.c
result.c = 0
redis.call('SET', KEYS[2], cjson.encode(result), 'PX', tonumber(ARGV[6]))
result.c = changed
return cjson.encode(result)
