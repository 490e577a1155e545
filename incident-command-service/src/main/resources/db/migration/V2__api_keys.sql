-- Integration API keys. Only a SHA-256 hash of each key is kept; the key itself is shown once, at creation.
create table api_key (
    key_id     text        primary key,
    tenant     text        not null,
    name       text        not null,
    key_hash   text        not null unique,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
