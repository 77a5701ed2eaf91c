-- One negotiation as the connector writes it today, both sides (see run.sh); JSON has `=` for `:`.
\set n random(1, 2000000000)
-- consumer: start
BEGIN;
INSERT INTO negotiation VALUES ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'consumer', NULL, 'REQUESTED', 'did=web=provider.bench', 'http=//127.0.0.1=1/dsp', 'traffic-counts', '{"@id"="urn=ldt=offer=open-use=traffic-counts","@type"="Offer","permission"=[{"action"="use"}],"target"="traffic-counts"}', NULL, NULL, NULL, NULL, now(), now());
INSERT INTO outbox (process, kind, url, audience, body, target, next_attempt_at, deadline, created_at) VALUES ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'request', 'http=//127.0.0.1=1/dsp/negotiations/request', 'did=web=provider.bench', '{"@context"=["https=//w3id.org/dspace/2025/1/context.jsonld"],"@type"="ContractRequestMessage","consumerPid"="urn=uuid=f088cd3f-8cd9-4a85-bf0f-771f07307d98","offer"={"@id"="urn=ldt=offer=open-use=traffic-counts","@type"="Offer","permission"=[{"action"="use"}],"target"="traffic-counts"},"callbackAddress"="http=//127.0.0.1=40669/dsp/callback"}', 'REQUESTED', now(), now() + interval '1 hour', now()) RETURNING id \gset o
INSERT INTO process_event (pid, at, from_state, to_state, kind, by) VALUES ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), NULL, 'REQUESTED', 'request', 'us');
COMMIT;
-- provider: request received
BEGIN;
SELECT pid FROM negotiation WHERE counter_party = 'did=web=consumer.bench' AND peer_pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO outbox (process, kind, url, audience, body, target, next_attempt_at, deadline, created_at) VALUES ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'agreement', 'http=//127.0.0.1=1/dsp/callback/negotiations/x/agreement', 'did=web=consumer.bench', '{"@context"=["https=//w3id.org/dspace/2025/1/context.jsonld"],"@type"="ContractAgreementMessage","agreement"={"@id"="urn=uuid=69748c2a-864a-4793-a38b-f5faaf2b625c","@type"="Agreement","assigner"="did=web=provider.bench","assignee"="did=web=consumer.bench","target"="traffic-counts","timestamp"="2026-12-06T12=00=31Z","permission"=[{"action"="use"}]}}', 'AGREED', now(), now() + interval '1 hour', now()) RETURNING id \gset p
INSERT INTO negotiation VALUES ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'provider', 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'AGREED', 'did=web=consumer.bench', 'http=//127.0.0.1=1/dsp/callback', 'traffic-counts', '{"@id"="urn=ldt=offer=open-use=traffic-counts","@type"="Offer","permission"=[{"action"="use"}],"target"="traffic-counts"}', '{"@id"="urn=uuid=69748c2a-864a-4793-a38b-f5faaf2b625c","@type"="Agreement","assigner"="did=web=provider.bench","assignee"="did=web=consumer.bench","target"="traffic-counts","timestamp"="2026-12-06T12=00=31Z","permission"=[{"action"="use"}]}', NULL, NULL, NULL, now(), now());
INSERT INTO process_event (pid, at, from_state, to_state, kind, by) VALUES ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), NULL, 'REQUESTED', 'request', 'peer'), ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), 'REQUESTED', 'AGREED', 'agreement', 'us');
COMMIT;
-- consumer: request delivered, learns the provider's pid
BEGIN;
SELECT pid FROM negotiation WHERE pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) FOR UPDATE;
DELETE FROM outbox WHERE id = :oid;
UPDATE negotiation SET peer_pid = 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), updated_at = now() WHERE pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
SELECT id FROM outbox WHERE process = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) ORDER BY id LIMIT 1;
COMMIT;
-- consumer: agreement received
BEGIN;
SELECT pid FROM negotiation WHERE pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) FOR UPDATE;
DELETE FROM outbox WHERE process = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO outbox (process, kind, url, audience, body, target, next_attempt_at, deadline, created_at) VALUES ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'verification', 'http=//127.0.0.1=1/dsp/negotiations/x/agreement/verification', 'did=web=provider.bench', '{"@context"=["https=//w3id.org/dspace/2025/1/context.jsonld"],"@type"="ContractAgreementVerificationMessage"}', 'VERIFIED', now(), now() + interval '1 hour', now()) RETURNING id \gset v
UPDATE negotiation SET state = 'VERIFIED', agreement = offer, updated_at = now() WHERE pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO process_event (pid, at, from_state, to_state, kind, by) VALUES ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), 'REQUESTED', 'AGREED', 'agreement', 'peer'), ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), 'AGREED', 'VERIFIED', 'verification', 'us');
COMMIT;
-- provider: agreement delivered
DELETE FROM outbox WHERE id = :pid;
SELECT id FROM outbox WHERE process = 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) ORDER BY id LIMIT 1;
-- provider: verification received
BEGIN;
SELECT pid FROM negotiation WHERE pid = 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) FOR UPDATE;
DELETE FROM outbox WHERE process = 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO outbox (process, kind, url, audience, body, target, next_attempt_at, deadline, created_at) VALUES ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'finalized', 'http=//127.0.0.1=1/dsp/callback/negotiations/x/events', 'did=web=consumer.bench', '{"@context"=["https=//w3id.org/dspace/2025/1/context.jsonld"],"@type"="ContractNegotiationEventMessage","eventType"="FINALIZED"}', 'FINALIZED', now(), now() + interval '1 hour', now()) RETURNING id \gset f
INSERT INTO agreement VALUES ('urn-a-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'provider', 'traffic-counts', 'did=web=provider.bench', 'did=web=consumer.bench', '{"@id"="urn=uuid=69748c2a-864a-4793-a38b-f5faaf2b625c","@type"="Agreement","assigner"="did=web=provider.bench","assignee"="did=web=consumer.bench","target"="traffic-counts","timestamp"="2026-12-06T12=00=31Z","permission"=[{"action"="use"}]}', now(), now());
UPDATE negotiation SET state = 'FINALIZED', updated_at = now() WHERE pid = 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO process_event (pid, at, from_state, to_state, kind, by) VALUES ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), 'AGREED', 'VERIFIED', 'verification', 'peer'), ('urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), 'VERIFIED', 'FINALIZED', 'finalized', 'us');
COMMIT;
-- consumer: verification delivered
DELETE FROM outbox WHERE id = :vid;
SELECT id FROM outbox WHERE process = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) ORDER BY id LIMIT 1;
-- consumer: finalized received
BEGIN;
SELECT pid FROM negotiation WHERE pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) FOR UPDATE;
DELETE FROM outbox WHERE process = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO agreement VALUES ('urn-ac-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), 'consumer', 'traffic-counts', 'did=web=provider.bench', 'did=web=consumer.bench', '{"@id"="x"}', now(), now());
UPDATE negotiation SET state = 'FINALIZED', updated_at = now() WHERE pid = 'urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text);
INSERT INTO process_event (pid, at, from_state, to_state, kind, by) VALUES ('urn-c-' || CAST(:client_id AS text) || '-' || CAST(:n AS text), now(), 'VERIFIED', 'FINALIZED', 'finalized', 'peer');
COMMIT;
-- provider: finalized delivered
DELETE FROM outbox WHERE id = :fid;
SELECT id FROM outbox WHERE process = 'urn-p-' || CAST(:client_id AS text) || '-' || CAST(:n AS text) ORDER BY id LIMIT 1;
