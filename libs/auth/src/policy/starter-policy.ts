/** The policy `jetbus auth init` writes: one app account with a producer, a worker and an admin. */
export const STARTER_POLICY = `# jetbus auth policy. \`jetbus auth apply\` compiles it into operator/account/user JWTs,
# .creds files and the nats-server config fragment (server-auth.conf), and pushes changed accounts.
version: 1
operator:
  name: jetbus

# Roles are named permission sets that users reference. Built-ins (least privilege):
#   producer: { subjects: [...] }           publish the subjects, receive PubAcks
#   worker:   { stream: S, consumer: C, subjects: [...] }   consume an existing durable,
#                                           dead-letter its subjects (dlq.<subject>)
#   service:  { stream: S, consumer: C, subjects: [...] }   a worker that creates its durable itself
#   admin:    { publish: [...] }            the whole JetStream API (+ replay subjects)
#   reaper:   { streams: [...], subjects: [...] }   max-deliveries advisories -> dead letters
# or custom lists: { publish: { allow: [...], deny: [...] }, subscribe: {...}, inbox: true }
roles:
  orders-producer:
    producer: { subjects: [orders.>] }
  orders-worker:
    service: { stream: ORDERS, consumer: orders-worker, subjects: [orders.>] }
  # Every service runs the reaper on its streams and checks the streams it uses (the admin creates
  # them): ORDERS and the dead-letter stream JETBUS_DLQ.
  orders-reaper:
    reaper: { streams: [ORDERS], subjects: [orders.>] }
  orders-streams:
    publish: { allow: [$JS.API.STREAM.INFO.ORDERS, $JS.API.STREAM.INFO.JETBUS_DLQ] }
  # The whole JetStream API, and the job subjects, so that it can replay dead letters (jetbus dlq).
  operations:
    admin: { publish: [orders.>] }
  # The admin web app's own user, web (jetbus admin --creds ...): streams, dead letters, replay to the
  # job subjects, and the append-only audit trail JETBUS_AUDIT.
  admin-web:
    admin-app: { replaySubjects: [orders.>] }

accounts:
  APP:
    description: the jetbus application
    limits:
      connections: 100
      payload: 1MiB
      jetstream:
        memoryStorage: 256MiB
        diskStorage: 10GiB
        streams: 50
        consumers: 500
    users:
      api:
        roles: [orders-producer]
        # The user connects with this inboxPrefix, so no other user can read its replies (users
        # without one share _INBOX.> and can read each other's PubAcks).
        inboxPrefix: _INBOX_api
      worker:
        roles: [orders-worker, orders-reaper, orders-streams]
        inboxPrefix: _INBOX_worker
      admin:
        roles: [operations]
        inboxPrefix: _INBOX_admin
      web:
        roles: [admin-web]
        inboxPrefix: _INBOX_web
`;
