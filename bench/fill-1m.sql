-- Fills a migrated civic311 SQLite database with 1,000,000 requests for the
-- query benchmark: spread evenly over 2026, 28 service codes in turn, one in
-- three closed a day after filing. Run: sqlite3 DB < bench/fill-1m.sql
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE codes (i INTEGER PRIMARY KEY, code TEXT);
INSERT INTO codes (i, code) VALUES
  (0, 'ABANDONED_VEHICLE'), (1, 'BLOCKED_DRIVEWAY'), (2, 'ILLEGAL_PARKING'),
  (3, 'NOISE_RESIDENTIAL'), (4, 'NOISE_STREET'), (5, 'POTHOLE'),
  (6, 'STREETLIGHT_OUT'), (7, 'TRAFFIC_SIGNAL'), (8, 'SIDEWALK_DAMAGE'),
  (9, 'STREET_SIGN'), (10, 'MISSED_COLLECTION'), (11, 'BULKY_ITEM'),
  (12, 'ILLEGAL_DUMPING'), (13, 'DEAD_ANIMAL'), (14, 'STREET_CLEANING'),
  (15, 'OVERFLOWING_LITTER_BASKET'), (16, 'GRAFFITI'),
  (17, 'HEAT_HOT_WATER'), (18, 'UNSANITARY_CONDITION'), (19, 'LEAD_PAINT'),
  (20, 'ILLEGAL_CONSTRUCTION'), (21, 'UNSAFE_BUILDING'), (22, 'RODENTS'),
  (23, 'FOOD_SAFETY'), (24, 'FALLEN_TREE'), (25, 'WATER_LEAK'),
  (26, 'SEWER_BACKUP'), (27, 'CONSUMER_COMPLAINT');
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n
                        WHERE k < 1000000)
INSERT INTO request (id, public_id, jurisdiction_id, service_code,
                     service_name, status, description, requested_at,
                     updated_at, closed_at, lat, lon, address, zipcode,
                     channel, language)
SELECT k, printf('2026-%06d', k), 'democity.example', c.code, c.code,
       CASE WHEN k % 3 = 0 THEN 'closed' ELSE 'open' END,
       'generated request ' || k,
       1767225600 + (k - 1) * 31,
       1767225600 + (k - 1) * 31 + CASE WHEN k % 3 = 0 THEN 86400 ELSE 0 END,
       CASE WHEN k % 3 = 0 THEN 1767225600 + (k - 1) * 31 + 86400 END,
       40.5 + (k % 5000) / 10000.0, -74.2 + (k % 7000) / 10000.0,
       (k % 900 + 1) || ' Main Street', printf('1%04d', k % 10000),
       'open311', 'en'
FROM n JOIN codes c ON c.i = k % 28;
COMMIT;
ANALYZE;
