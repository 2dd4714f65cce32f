-- What the workstations' role exam_app may do, granted by the tables' owner (or a superuser) after
-- every `exam-app db upgrade`, connected to the clinic's database:
--
--   psql -v ON_ERROR_STOP=1 -d exam -f docs/postgresql/grants.sql
--
-- Everything the app does to the records, except changing the trail: on audit_events only INSERT and
-- SELECT, so that nothing the app's own account can run removes or alters an event. Changing the
-- schema (and its version) is the owner's.

GRANT USAGE ON SCHEMA public TO exam_app;
REVOKE CREATE ON SCHEMA public FROM exam_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO exam_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO exam_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM exam_app;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM exam_app;
