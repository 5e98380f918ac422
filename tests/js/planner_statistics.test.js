// When a sync refreshes the planner statistics of the booking tables (host/sync/planner_statistics.js):
// as a first sync grows them from empty, each time they have tripled, until an ANALYZE has seen 2,000
// rows; never for a re-sync of a tenant whose tables are already that large. A handle that records the
// statements stands in for the database: what is checked is which statements are sent, and when.
import { plannerStatistics } from '../../host/sync/planner_statistics.js';

function recordingDatabase(storedRows) {
  const sent = [];
  return {
    sent,
    analyzes: () => sent.filter((s) => s.startsWith('analyze')).length,
    query: async (text) => {
      sent.push(text);
      return text.includes('reltuples') ? [{ rows: storedRows }] : [];
    },
  };
}

// Adds pages of `perPage` new rows; returns the rows written when each ANALYZE was sent.
async function fill(statistics, db, pages, perPage) {
  const at = [];
  for (let page = 1; page <= pages; page += 1) {
    const before = db.analyzes();
    statistics.added(perPage);
    if (db.analyzes() > before) at.push(page * perPage);
    await statistics.settle();
  }
  return at;
}

test('a first sync into an empty database analyzes as the tables triple, and stops once 2,000 rows were seen', async () => {
  const db = recordingDatabase(0);
  const statistics = plannerStatistics(db);
  await statistics.start();
  expect(await fill(statistics, db, 100, 100)).toEqual([100, 300, 900, 2700]);
});

test('at 100,000 bookings it still analyzes only while the tables are small', async () => {
  const db = recordingDatabase(0);
  const statistics = plannerStatistics(db);
  await statistics.start();
  expect(await fill(statistics, db, 1000, 100)).toEqual([100, 300, 900, 2700]);
});

test('a tenant whose tables already hold 2,000 rows or more is never analyzed by the sync', async () => {
  const db = recordingDatabase(5_000);
  const statistics = plannerStatistics(db);
  await statistics.start();
  expect(await fill(statistics, db, 200, 100)).toEqual([]);
});

test('a small tenant is analyzed when a sync triples its tables (500 stored, 1,000 written), then no more', async () => {
  const db = recordingDatabase(500);
  const statistics = plannerStatistics(db);
  await statistics.start();
  expect(await fill(statistics, db, 20, 100)).toEqual([1000]);
});

test('an ANALYZE still running is not started again; a nested handle (one outer transaction) is left alone', async () => {
  let finish;
  const sent = [];
  const db = { query: async (text) => { sent.push(text); if (text.startsWith('analyze')) await new Promise((r) => { finish = r; }); return text.includes('reltuples') ? [{ rows: 0 }] : []; } };
  const statistics = plannerStatistics(db);
  await statistics.start();
  statistics.added(100);
  statistics.added(1000);
  expect(sent.filter((s) => s.startsWith('analyze'))).toHaveLength(1);
  finish();
  await statistics.settle();

  const nested = recordingDatabase(0);
  nested.nested = true;
  const quiet = plannerStatistics(nested);
  await quiet.start();
  quiet.added(10_000);
  expect(nested.sent).toEqual([]);
});
