import { encodeToken } from './subject.ts';

/**
 * Room names on the gateway: `org:<token>`, where the token is the org's subject token on
 * `teampulse.updates.<token>.<repo>`, so a room maps to its updates filter without decoding.
 */

const ORG_ROOM_PREFIX = 'org:';

/** Room name of an org on the gateway. */
export function orgRoom(orgId: string): string {
  return roomOfOrgToken(encodeToken(orgId));
}

/** Room name of an org by its subject token (as an updates subject carries it). */
export function roomOfOrgToken(orgToken: string): string {
  return ORG_ROOM_PREFIX + orgToken;
}

/** The org's subject token of a room name; a RangeError when it is not an org room. */
export function orgTokenOfRoom(room: string): string {
  if (!room.startsWith(ORG_ROOM_PREFIX) || room.length === ORG_ROOM_PREFIX.length)
    throw new RangeError(`not an org room: ${room}`);
  return room.slice(ORG_ROOM_PREFIX.length);
}
