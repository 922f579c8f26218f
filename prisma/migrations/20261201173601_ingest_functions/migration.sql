-- The ingest's two statements as functions (src/dossiers/ingest-service.ts): a call is planned in
-- microseconds, and the statements inside are planned once per connection (PL/pgSQL caches their
-- plans). The plans are generic (plan_cache_mode), so a plan does not change with the batch's size,
-- and made without sequential scans (enable_seqscan off): a plan cached while a table was small
-- would otherwise scan the whole table on every call once it has grown. Every row they read is
-- found by a key. Each takes one jsonb argument, and the rows of a table are arrays of objects
-- keyed by column.

-- Locks the dossiers named (in code order, so that concurrent requests on one dossier serialise
-- without deadlock) and reads them with their applicant, the communes named and those of the
-- dossiers, the procedures named, the events already stored under these ids for this origin,
-- and the citizens with the phones named.
-- q: { codes, communeCodes, procedureCodes, eventIds, phones: text[], origin: text }
CREATE FUNCTION dossier_ingest_read(q jsonb)
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
  WITH d AS (
    SELECT d.id, d.code, d.status, d."statusAt", d."applicantId",
           c.phone AS "applicantPhone", c."fullName" AS "applicantName",
           d."procedureCode", d."procedureName", d."communeCode", d.channel, d."receivedAt", d."dueAt", d."newDueAt"
      FROM "Dossier" d LEFT JOIN "Citizen" c ON c.id = d."applicantId"
     WHERE d.code IN (SELECT unnest(v_codes))
     ORDER BY d.code
       FOR UPDATE OF d
  )
  SELECT (SELECT json_agg(d) FROM d),
         (SELECT json_agg(json_build_object('code', a.code, 'name', a."fullName", 'parentCode', a."parentCode")) FILTER (WHERE a.level = 'COMMUNE')
            FROM "AdminUnit" a WHERE a.code IN (SELECT unnest(v_commune_codes) UNION SELECT d."communeCode" FROM d)),
         (SELECT json_agg(json_build_object('code', p.code, 'name', p.name)) FROM "Procedure" p WHERE p.code IN (SELECT unnest(v_procedure_codes))),
         (SELECT json_agg(json_build_object('eventId', e."eventId", 'payload', e.payload)) FROM "DossierEvent" e
           WHERE e.origin = v_origin AND e."eventId" IN (SELECT unnest(v_event_ids))),
         (SELECT json_agg(json_build_object('id', c.id, 'phone', c.phone, 'fullName', c."fullName")) FROM "Citizen" c WHERE c.phone IN (SELECT unnest(v_phones)));
END
$fn$;

-- The writes, in this order: the new citizens and dossiers, the known dossiers' new state, their
-- applicants' names (and a phone where none was known and no one has it), the events, the postal
-- hand-overs, and the notices, whose ids it returns. The notices' insert is the one of
-- `noticeInsert` in src/notifications/notice-store.ts (same columns, same conflict rule): a change
-- there is made here too, in a new migration.
-- w: { newCitizens, newDossiers, dossiers, citizens, events, handovers, notices: rows }
CREATE FUNCTION dossier_ingest_write(w jsonb)
RETURNS SETOF uuid
LANGUAGE plpgsql
SET plan_cache_mode TO 'force_generic_plan'
SET enable_seqscan TO 'off'
AS $fn$
DECLARE
  v_count int;
BEGIN
  v_count := jsonb_array_length(w->'newCitizens');
  IF v_count > 0 THEN
    INSERT INTO "Citizen" (id, phone, "fullName", "updatedAt")
    SELECT u.id, u.phone, u."fullName", now()
      FROM jsonb_to_recordset(w->'newCitizens') AS u(id uuid, phone text, "fullName" text);
  END IF;

  v_count := jsonb_array_length(w->'newDossiers');
  IF v_count > 0 THEN
    INSERT INTO "Dossier" (id, code, "procedureCode", "procedureName", "applicantId", "communeCode", channel, status, "statusAt", "receivedAt", "dueAt", "newDueAt", "updatedAt")
    SELECT u.id, u.code, u."procedureCode", u."procedureName", u."applicantId", u."communeCode", u.channel, u.status, u."statusAt", u."receivedAt", u."dueAt", u."newDueAt", now()
      FROM jsonb_to_recordset(w->'newDossiers') AS u(id uuid, code text, "procedureCode" text, "procedureName" text, "applicantId" uuid, "communeCode" text,
             channel "SubmissionChannel", status "DossierStatus", "statusAt" timestamptz, "receivedAt" timestamptz, "dueAt" timestamptz, "newDueAt" timestamptz);
  END IF;

  v_count := jsonb_array_length(w->'dossiers');
  IF v_count > 0 THEN
    -- LIMIT: the row estimate (a set-returning function is taken for 100 rows, the generic plan
    -- takes a LIMIT parameter for a tenth of that), so that it joins the dossiers by their key.
    UPDATE "Dossier" AS d
       SET status = u.status, "statusAt" = u."statusAt", "procedureCode" = u."procedureCode", "procedureName" = u."procedureName",
           "communeCode" = u."communeCode", channel = u.channel, "receivedAt" = u."receivedAt", "dueAt" = u."dueAt", "newDueAt" = u."newDueAt",
           "applicantId" = u."applicantId", "updatedAt" = now()
      FROM (SELECT * FROM jsonb_to_recordset(w->'dossiers') AS x(id uuid, "procedureCode" text, "procedureName" text, "applicantId" uuid, "communeCode" text,
              channel "SubmissionChannel", status "DossierStatus", "statusAt" timestamptz, "receivedAt" timestamptz, "dueAt" timestamptz, "newDueAt" timestamptz) LIMIT v_count) AS u
     WHERE d.id = u.id;
  END IF;

  v_count := jsonb_array_length(w->'citizens');
  IF v_count > 0 THEN
    UPDATE "Citizen" AS c
       SET "fullName" = COALESCE(u.n, c."fullName"),
           phone = CASE WHEN u.fill AND c.phone IS NULL THEN u.p ELSE c.phone END, "updatedAt" = now()
      FROM (SELECT x.*, (x.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Citizen" o WHERE o.phone = x.p)) AS fill
              FROM (SELECT * FROM jsonb_to_recordset(w->'citizens') AS y(id uuid, n text, p text) LIMIT v_count) AS x) AS u
     WHERE c.id = u.id AND ((u.n IS NOT NULL AND c."fullName" IS DISTINCT FROM u.n) OR (u.fill AND c.phone IS NULL));
  END IF;

  v_count := jsonb_array_length(w->'events');
  IF v_count > 0 THEN
    INSERT INTO "DossierEvent" (id, origin, "eventId", "dossierId", status, "occurredAt", note, source, applied, payload)
    SELECT u.id, u.origin, u."eventId", u."dossierId", u.status, u."occurredAt", u.note, u.source, u.applied, u.payload
      FROM jsonb_to_recordset(w->'events') AS u(id uuid, origin text, "eventId" text, "dossierId" uuid, status "DossierStatus", "occurredAt" timestamptz,
             note text, source "EventSource", applied bool, payload jsonb);
  END IF;

  v_count := jsonb_array_length(w->'handovers');
  IF v_count > 0 THEN
    -- The postal receipt is the waybill in the event's note, else the one the post office gave
    -- the dossier's booking of that kind (the desk's dispatch).
    INSERT INTO "Handover" (id, "dossierId", "fromUnit", "toUnit", "handedBy", "receivedBy", "handedAt", result, note, "postalReceipt", "eventId", "recordedByRef")
    SELECT t.id, t.dossier, t.from_unit, t.to_unit, t.hb, t.rb, t.at, t.result, t.note,
           COALESCE(t.receipt, (SELECT b."waybillCode" FROM "DeliveryBooking" b
                                 WHERE b."dossierId" = t.dossier AND b.kind = t.kind AND b."waybillCode" IS NOT NULL
                                 ORDER BY b."createdAt" DESC LIMIT 1)),
           t.event, 'event'
      FROM (SELECT * FROM jsonb_to_recordset(w->'handovers') AS x(id uuid, dossier uuid, from_unit text, to_unit text, hb text, rb text, at timestamptz,
              result "HandoverResult", note text, receipt text, event uuid, kind "BookingKind") LIMIT v_count) AS t;
  END IF;

  v_count := jsonb_array_length(w->'notices');
  IF v_count > 0 THEN
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
