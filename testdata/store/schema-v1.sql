-- A livesop store at schema version 1, as written by the first release of
-- the store: three events of two campaigns. Opening it must migrate it to
-- the current version and build the read models from these events.
CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  type TEXT NOT NULL,
  activity TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  lifecycle TEXT NOT NULL,
  resource TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  step TEXT NOT NULL DEFAULT '',
  sop_version TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  deviation TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  campaign_type TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,
  recorded_us INTEGER NOT NULL,
  UNIQUE (campaign, sequence)
);
CREATE INDEX events_by_time ON events (time_us);
CREATE TABLE campaigns_version (
  campaign TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE idempotency (
  key TEXT PRIMARY KEY,
  campaign TEXT NOT NULL,
  first_position INTEGER NOT NULL,
  last_position INTEGER NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO events VALUES
  (1, 'spring-launch', 1, 'campaign_created', 'Submit request', 1700000000000000,
   'complete', 'ana', 'campaign-manager', 'intake', '1.0.0', 'engine', '', '',
   'product-launch', '{"title":"Spring launch","due_us":1710000000000000}',
   1700000000000001),
  (2, 'newsletter-12', 1, 'campaign_created', 'Submit request', 1700000100000000,
   'complete', 'ben', 'campaign-manager', 'intake', '1.0.0', 'engine', '', '',
   'newsletter', '{"title":"Newsletter 12"}', 1700000100000001),
  (3, 'spring-launch', 2, 'task_completed', 'Approve brief', 1700000200000000,
   'complete', 'cleo', 'brand-manager', 'approve-brief', '1.0.0', 'whatsapp',
   'informal_approval', 'approved in the team chat', 'product-launch', '{}',
   1700000200000001);
INSERT INTO campaigns_version VALUES ('spring-launch', 2), ('newsletter-12', 1);
PRAGMA user_version=1;
