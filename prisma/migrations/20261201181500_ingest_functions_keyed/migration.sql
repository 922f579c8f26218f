-- The ingest's functions, with plans that look every row up by its key whatever the sizes the
-- tables had when a connection planned them. A generic plan is made once per connection, often
-- on a nearly empty database (a new deployment, a bench), and then kept: a join the planner was
-- free to order could read every stored event of the origin for each event of a batch once the
-- table had grown (a nested loop over the origin's part of the unique index), and a join free to
-- hash could read a whole index per call. So each lookup is a subquery per wanted key (LATERAL,
-- fenced with OFFSET 0 so the planner cannot flatten it into a join it may reorder), and the
-- updates of known rows run one row at a time by primary key.

CREATE OR REPLACE FUNCTION dossier_ingest_read(q jsonb)
RETURNS TABLE (dossiers json, communes json, procedures json, stored json, citizens json)
LANGUAGE plpgsql
SET plan_cache_mode TO 'force_generic_plan'
SET enable_seqscan TO 'off'
AS $fn$
DECLARE
  v_codes text[] := ARRAY(SELECT jsonb_array_elements_text(q->'codes'));
  v_commune_codes text[] := ARRAY(SELECT jsonb_array_elements_text(q->'communeCodes'));
  v_procedure_codes text[] := ARRAY(SELECT jsonb_array_elements_text(q->'procedureCodes'));
  v_event_ids text[] := ARRAY(SELECT jsonb_array_elements_text(q->'eventIds'));
  v_phones text[] := ARRAY(SELECT jsonb_array_elements_text(q->'phones'));
  v_origin text := q->>'origin';
BEGIN
  RETURN QUERY
  -- The dossiers locked in code order (the keys sorted, then each looked up and locked in
  -- turn), so that concurrent requests on one dossier serialise without deadlock.
  WITH d AS (
    SELECT x.*
      FROM (SELECT DISTINCT k AS code FROM unnest(v_codes) AS k ORDER BY 1) AS k
     CROSS JOIN LATERAL (
           SELECT d.id, d.code, d.status, d."statusAt", d."applicantId",
                  (SELECT c.phone FROM "Citizen" c WHERE c.id = d."applicantId") AS "applicantPhone",
                  (SELECT c."fullName" FROM "Citizen" c WHERE c.id = d."applicantId") AS "applicantName",
                  d."procedureCode", d."procedureName", d."communeCode", d.channel, d."receivedAt", d."dueAt", d."newDueAt"
             FROM "Dossier" d WHERE d.code = k.code
              FOR UPDATE OF d) AS x
  )
  SELECT (SELECT json_agg(d) FROM d),
         (SELECT json_agg(json_build_object('code', a.code, 'name', a."fullName", 'parentCode', a."parentCode")) FILTER (WHERE a.level = 'COMMUNE')
            FROM (SELECT unnest(v_commune_codes) AS code UNION SELECT d."communeCode" FROM d) AS k
           CROSS JOIN LATERAL (SELECT a.* FROM "AdminUnit" a WHERE a.code = k.code OFFSET 0) AS a),
         (SELECT json_agg(json_build_object('code', p.code, 'name', p.name))
            FROM (SELECT DISTINCT unnest(v_procedure_codes) AS code) AS k
           CROSS JOIN LATERAL (SELECT p.code, p.name FROM "Procedure" p WHERE p.code = k.code OFFSET 0) AS p),
         (SELECT json_agg(json_build_object('eventId', e."eventId", 'payload', e.payload))
            FROM (SELECT DISTINCT unnest(v_event_ids) AS id) AS k
           CROSS JOIN LATERAL (SELECT e."eventId", e.payload FROM "DossierEvent" e WHERE e.origin = v_origin AND e."eventId" = k.id OFFSET 0) AS e),
         (SELECT json_agg(json_build_object('id', c.id, 'phone', c.phone, 'fullName', c."fullName"))
            FROM (SELECT DISTINCT unnest(v_phones) AS phone) AS k
           CROSS JOIN LATERAL (SELECT c.id, c.phone, c."fullName" FROM "Citizen" c WHERE c.phone = k.phone OFFSET 0) AS c);
END
$fn$;

CREATE OR REPLACE FUNCTION dossier_ingest_write(w jsonb)
RETURNS SETOF uuid
LANGUAGE plpgsql
SET plan_cache_mode TO 'force_generic_plan'
SET enable_seqscan TO 'off'
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

  -- Known dossiers, one at a time by primary key.
  FOR r IN
    SELECT * FROM jsonb_to_recordset(w->'dossiers') AS x(id uuid, "procedureCode" text, "procedureName" text, "applicantId" uuid, "communeCode" text,
             channel "SubmissionChannel", status "DossierStatus", "statusAt" timestamptz, "receivedAt" timestamptz, "dueAt" timestamptz, "newDueAt" timestamptz)
  LOOP
    UPDATE "Dossier"
       SET status = r.status, "statusAt" = r."statusAt", "procedureCode" = r."procedureCode", "procedureName" = r."procedureName",
           "communeCode" = r."communeCode", channel = r.channel, "receivedAt" = r."receivedAt", "dueAt" = r."dueAt", "newDueAt" = r."newDueAt",
           "applicantId" = r."applicantId", "updatedAt" = now()
     WHERE id = r.id;
  END LOOP;

  -- Known citizens, one at a time by primary key: names follow the latest event; a phone is only
  -- filled in where none was known and no one else has it.
  FOR r IN SELECT * FROM jsonb_to_recordset(w->'citizens') AS x(id uuid, n text, p text)
  LOOP
    UPDATE "Citizen" AS c
       SET "fullName" = COALESCE(r.n, c."fullName"),
           phone = CASE WHEN c.phone IS NULL AND r.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Citizen" o WHERE o.phone = r.p) THEN r.p ELSE c.phone END,
           "updatedAt" = now()
     WHERE c.id = r.id
       AND ((r.n IS NOT NULL AND c."fullName" IS DISTINCT FROM r.n)
            OR (c.phone IS NULL AND r.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Citizen" o WHERE o.phone = r.p)));
  END LOOP;

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
