-- A Grafana contact point's HMAC secret per integration key: encrypted (enc1:..., AES-GCM under
-- incidents.secrets.key, the key id as associated data), since it must be read back to verify signatures; and the
-- header the contact point puts its signed timestamp in.
alter table api_key
    add column grafana_secret           text,
    add column grafana_timestamp_header text;
