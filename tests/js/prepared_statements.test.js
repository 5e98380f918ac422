// Which connection strings get named prepared statements (host/db/database.js preparedStatementsFor):
// never behind a transaction-mode pooler, where a statement prepared on one server connection is unknown
// on the next.
import { preparedStatementsFor } from '../../host/db/database.js';

describe('prepared statements by connection string', () => {
  test('a direct connection uses them', () => {
    expect(preparedStatementsFor('postgres://u:p@db.example.supabase.co:5432/postgres', {})).toEqual({ prepare: true, url: 'postgres://u:p@db.example.supabase.co:5432/postgres' });
    expect(preparedStatementsFor('postgres://u@127.0.0.1/postgres', {}).prepare).toBe(true);
  });

  test("Supabase's transaction pooler (port 6543) and a pgbouncer=true parameter do not; the parameter is not sent to the server", () => {
    expect(preparedStatementsFor('postgres://u:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres', {}).prepare).toBe(false);
    const flagged = preparedStatementsFor('postgres://u:p@pgbouncer.internal:6432/app?pgbouncer=true&sslmode=require', {});
    expect(flagged.prepare).toBe(false);
    expect(flagged.url).toBe('postgres://u:p@pgbouncer.internal:6432/app?sslmode=require');
  });

  test('MPHB_PG_PREPARE decides when set', () => {
    expect(preparedStatementsFor('postgres://u@pooler:6543/db', { MPHB_PG_PREPARE: 'true' }).prepare).toBe(true);
    expect(preparedStatementsFor('postgres://u@db:5432/db', { MPHB_PG_PREPARE: 'false' }).prepare).toBe(false);
    expect(preparedStatementsFor('postgres://u@db:5432/db', { MPHB_PG_PREPARE: '0' }).prepare).toBe(false);
  });
});
