import { OIDC_TRANSACTION_TTL_MS, OidcTransactions } from './oidc-transactions';

const tx = { state: 's', nonce: 'n', codeVerifier: 'v' };

describe('OidcTransactions', () => {
  it('gives a transaction back once', () => {
    const transactions = new OidcTransactions();
    const id = transactions.add(tx, 1000);
    expect(transactions.take(id, 1001)).toEqual(tx);
    expect(transactions.take(id, 1002)).toBeUndefined();
  });

  it('forgets an expired transaction, and knows no unknown id', () => {
    const transactions = new OidcTransactions();
    const id = transactions.add(tx, 1000);
    expect(transactions.take(id, 1000 + OIDC_TRANSACTION_TTL_MS)).toBeUndefined();
    expect(transactions.take('nope', 1000)).toBeUndefined();
    expect(transactions.take(undefined, 1000)).toBeUndefined();
  });
});
