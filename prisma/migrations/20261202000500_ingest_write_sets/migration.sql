-- The ingest's write (`dossier_ingest_write`, first in 20261201181500_ingest_functions_keyed) with
-- the known dossiers and the applicants' names updated by one statement each instead of one
-- statement per row: a batch of 1,000 events on known citizens ran 1,000 UPDATEs of "Citizen",
-- each with its own executor start-up. Those statements join the request's rows to the table by
-- primary key, and the function now forbids hash and merge joins as it already forbade
-- sequential scans, so that the generic plan, made once per connection and often on nearly empty
-- tables, is a nested loop from the request's rows into the primary key whatever the tables'
-- sizes. A citizen without a phone to whom the request gives one is still updated on its own, in
-- the request's order: whether the phone is free depends on the rows updated before it.
-- Everything else is as before.

CREATE OR REPLACE FUNCTION dossier_ingest_write(w jsonb)
RETURNS SETOF uuid
LANGUAGE plpgsql
SET plan_cache_mode TO 'force_generic_plan'
SET enable_seqscan TO 'off'
SET enable_hashjoin TO 'off'
SET enable_mergejoin TO 'off'
AS $fn$
DECLARE
  r record;
BEGIN
  IF jsonb_array_length(w->'newCitizens') > 0 THEN
    INSERT INTO "Citizen" (id, phone, "fullName", "updatedAt")
    SELECT u.id, u.phone, u."fullName", now()
      FROM jsonb_to_recordset(w->'newCitizens') AS u(id uuid, phone text, "fullName" text);
  END IF;

  IF jsonb_array_length(w->'newDossiers') > 0 THEN
    INSERT INTO "Dossier" (id, code, "procedureCode", "procedureName", "applicantId", "communeCode", channel, status, "statusAt", "receivedAt", "dueAt", "newDueAt", "updatedAt")
    SELECT u.id, u.code, u."procedureCode", u."procedureName", u."applicantId", u."communeCode", u.channel, u.status, u."statusAt", u."receivedAt", u."dueAt", u."newDueAt", now()
      FROM jsonb_to_recordset(w->'newDossiers') AS u(id uuid, code text, "procedureCode" text, "procedureName" text, "applicantId" uuid, "communeCode" text,
             channel "SubmissionChannel", status "DossierStatus", "statusAt" timestamptz, "receivedAt" timestamptz, "dueAt" timestamptz, "newDueAt" timestamptz);
  END IF;

  -- Known dossiers, by primary key.
  IF jsonb_array_length(w->'dossiers') > 0 THEN
    UPDATE "Dossier" AS d
       SET status = x.status, "statusAt" = x."statusAt", "procedureCode" = x."procedureCode", "procedureName" = x."procedureName",
           "communeCode" = x."communeCode", channel = x.channel, "receivedAt" = x."receivedAt", "dueAt" = x."dueAt", "newDueAt" = x."newDueAt",
           "applicantId" = x."applicantId", "updatedAt" = now()
      FROM jsonb_to_recordset(w->'dossiers') AS x(id uuid, "procedureCode" text, "procedureName" text, "applicantId" uuid, "communeCode" text,
             channel "SubmissionChannel", status "DossierStatus", "statusAt" timestamptz, "receivedAt" timestamptz, "dueAt" timestamptz, "newDueAt" timestamptz)
     WHERE d.id = x.id;
  END IF;

  -- Known citizens: names follow the latest event; a phone is only filled in where none was known
  -- and no one else has it. The names in one statement; a citizen being given a phone on its own.
  IF jsonb_array_length(w->'citizens') > 0 THEN
    UPDATE "Citizen" AS c
       SET "fullName" = x.n, "updatedAt" = now()
      FROM jsonb_to_recordset(w->'citizens') AS x(id uuid, n text, p text)
     WHERE c.id = x.id AND x.n IS NOT NULL AND c."fullName" IS DISTINCT FROM x.n
       AND NOT (c.phone IS NULL AND x.p IS NOT NULL);
    FOR r IN
      SELECT x.* FROM jsonb_to_recordset(w->'citizens') AS x(id uuid, n text, p text)
       -- (a subquery per row, by primary key: EXISTS would become a join reading every citizen without a phone)
       WHERE x.p IS NOT NULL AND (SELECT c.phone FROM "Citizen" c WHERE c.id = x.id) IS NULL
    LOOP
      UPDATE "Citizen" AS c
         SET "fullName" = COALESCE(r.n, c."fullName"),
             phone = CASE WHEN c.phone IS NULL AND r.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Citizen" o WHERE o.phone = r.p) THEN r.p ELSE c.phone END,
             "updatedAt" = now()
       WHERE c.id = r.id
         AND ((r.n IS NOT NULL AND c."fullName" IS DISTINCT FROM r.n)
              OR (c.phone IS NULL AND r.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Citizen" o WHERE o.phone = r.p)));
    END LOOP;
  END IF;

  IF jsonb_array_length(w->'events') > 0 THEN
    INSERT INTO "DossierEvent" (id, origin, "eventId", "dossierId", status, "occurredAt", note, source, applied, payload)
    SELECT u.id, u.origin, u."eventId", u."dossierId", u.status, u."occurredAt", u.note, u.source, u.applied, u.payload
      FROM jsonb_to_recordset(w->'events') AS u(id uuid, origin text, "eventId" text, "dossierId" uuid, status "DossierStatus", "occurredAt" timestamptz,
             note text, source "EventSource", applied bool, payload jsonb);
  END IF;

  IF jsonb_array_length(w->'handovers') > 0 THEN
    -- The postal receipt is the waybill in the event's note, else the one the post office gave
    -- the dossier's booking of that kind (the desk's dispatch).
    INSERT INTO "Handover" (id, "dossierId", "fromUnit", "toUnit", "handedBy", "receivedBy", "handedAt", result, note, "postalReceipt", "eventId", "recordedByRef")
    SELECT t.id, t.dossier, t.from_unit, t.to_unit, t.hb, t.rb, t.at, t.result, t.note,
           COALESCE(t.receipt, (SELECT b."waybillCode" FROM "DeliveryBooking" b
                                 WHERE b."dossierId" = t.dossier AND b.kind = t.kind AND b."waybillCode" IS NOT NULL
                                 ORDER BY b."createdAt" DESC LIMIT 1)),
           t.event, 'event'
      FROM jsonb_to_recordset(w->'handovers') AS t(id uuid, dossier uuid, from_unit text, to_unit text, hb text, rb text, at timestamptz,
             result "HandoverResult", note text, receipt text, event uuid, kind "BookingKind");
  END IF;

  -- The notices, as `createNotices` of src/notifications/notice-store.ts writes them (the same statement).
  IF jsonb_array_length(w->'notices') > 0 THEN
    RETURN QUERY
    INSERT INTO "Notice" (id, type, "citizenId", "dossierId", "eventId", variables, urgent, "dedupeKey", "channelPlan", "identityId", "broadcastId", "updatedAt")
    SELECT t.id, t.type, t."citizenId", t."dossierId", t."eventId", t.variables, t.urgent, t."dedupeKey",
           COALESCE(string_to_array(NULLIF(t.plan, ''), ',')::"ChannelKind"[], '{}'), t."identityId", t."broadcastId", now()
      FROM jsonb_to_recordset(w->'notices')
           AS t(id uuid, type text, "citizenId" uuid, "dossierId" uuid, "eventId" uuid, variables jsonb, urgent bool, "dedupeKey" text, plan text, "identityId" uuid, "broadcastId" uuid)
    ON CONFLICT ("dedupeKey") DO NOTHING
    RETURNING "Notice".id;
  END IF;
END
$fn$;
