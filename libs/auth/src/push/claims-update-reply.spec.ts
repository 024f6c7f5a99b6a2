import { ClaimsUpdateError } from '../errors/claims-update.error';
import { parseClaimsUpdateReply } from './claims-update-reply';

describe('parseClaimsUpdateReply', () => {
  it('returns the account and message of a success (as nats-server 2.9.10 replies)', () => {
    const reply =
      '{"data":{"account":"AAS","code":200,"message":"jwt updated"},"server":{"name":"n1","ver":"2.9.10"}}';
    expect(parseClaimsUpdateReply(reply, 'AAS')).toEqual({
      account: 'AAS',
      message: 'jwt updated',
      server: 'n1',
    });
  });

  it('throws the server error', () => {
    const reply =
      '{"error":{"account":"n/a","code":500,"description":"jwt update resulted in error - expected 3 chunks"}}';
    const error = (() => {
      try {
        parseClaimsUpdateReply(reply, 'AAS');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ClaimsUpdateError);
    expect(error).toMatchObject({
      account: 'n/a',
      serverCode: 500,
      message: 'server rejected account n/a: jwt update resulted in error - expected 3 chunks',
    });
  });

  it('throws on replies it cannot read', () => {
    expect(() => parseClaimsUpdateReply('nope', 'AAS')).toThrow(
      'server rejected account AAS: unreadable reply: nope',
    );
    expect(() => parseClaimsUpdateReply('{}', 'AAS')).toThrow('unexpected reply: {}');
  });
});
