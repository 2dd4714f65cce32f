-- The clinic's two PostgreSQL roles, made once by a superuser, connected to the clinic's database:
--
--   psql -v ON_ERROR_STOP=1 -v owner_password='…' -v app_password='…' -d exam -f docs/postgresql/roles.sql
--
-- exam_owner owns the tables and runs the migrations (`exam-app --database URL-of-exam_owner db upgrade`).
-- exam_app is what every workstation connects as: it reads and writes the records, but may only add
-- to and read the audit trail (no UPDATE, DELETE or TRUNCATE), and, not owning the table, cannot
-- disable its append-only trigger. Its grants are in grants.sql, run again after every upgrade.
-- Running this script again changes nothing but the passwords.

SELECT 'CREATE ROLE exam_owner LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exam_owner')
\gexec
SELECT 'CREATE ROLE exam_app LOGIN NOINHERIT' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exam_app')
\gexec
ALTER ROLE exam_owner PASSWORD :'owner_password';
ALTER ROLE exam_app PASSWORD :'app_password';
ALTER ROLE exam_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- The clinic's database and its schema belong to the owner, whoever created them.
SELECT format('ALTER DATABASE %I OWNER TO exam_owner', current_database())
\gexec
ALTER SCHEMA public OWNER TO exam_owner;
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO exam_app', current_database())
\gexec
SELECT format('REVOKE CREATE ON DATABASE %I FROM exam_app', current_database())
\gexec
