-- The four tables a negotiation writes, as the connector's migrations make them on PostgreSQL (columns, keys and
-- indexes only; the catalogue tables are left out, as the scripts do not read the catalogue).
CREATE TABLE negotiation (
    pid varchar PRIMARY KEY, role varchar NOT NULL, peer_pid varchar, state varchar NOT NULL,
    counter_party varchar NOT NULL, peer_address text NOT NULL, dataset_id varchar NOT NULL, offer text NOT NULL,
    agreement text, purpose text, awaiting varchar, explanation text,
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX negotiation_peer ON negotiation (counter_party, peer_pid);
CREATE TABLE process_event (
    id serial PRIMARY KEY, pid varchar NOT NULL, at timestamptz NOT NULL, from_state varchar,
    to_state varchar NOT NULL, kind varchar NOT NULL, by varchar NOT NULL, detail text
);
CREATE INDEX negotiation_event_pid ON process_event (pid, id);
CREATE TABLE outbox (
    id serial PRIMARY KEY, process varchar NOT NULL, kind varchar NOT NULL, url text NOT NULL,
    audience varchar NOT NULL, body text NOT NULL, target varchar NOT NULL, attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL, deadline timestamptz NOT NULL, leased_until timestamptz,
    last_error text, created_at timestamptz NOT NULL, protocol varchar NOT NULL DEFAULT 'negotiation'
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);
CREATE INDEX outbox_process ON outbox (process, id);
CREATE TABLE agreement (
    id varchar PRIMARY KEY, negotiation_pid varchar NOT NULL UNIQUE, role varchar NOT NULL,
    dataset_id varchar NOT NULL, provider varchar NOT NULL, consumer varchar NOT NULL, document text NOT NULL,
    signed_at timestamptz NOT NULL, created_at timestamptz NOT NULL
);
