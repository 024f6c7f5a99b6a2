import { Mono } from './untrusted-text';

type Headers = [string, string][] | Record<string, string | string[]> | null | undefined;

/** Header pairs in order; the API sends `[[name, value]]`, a record is accepted too. */
export function headerPairs(headers: Headers): [string, string][] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([k, v]) => [String(k), String(v)]);
  return Object.entries(headers).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map((one): [string, string] => [k, String(one)]) : [[k, String(v)]],
  );
}

export function HeadersTable({ headers }: { headers: Headers }) {
  const pairs = headerPairs(headers);
  if (pairs.length === 0) return <p class="muted">No headers.</p>;
  return (
    <table class="kv">
      <tbody>
        {pairs.map(([k, v], i) => (
          <tr key={`${k}-${i}`}>
            <th>
              <Mono text={k} />
            </th>
            <td>
              <Mono text={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
