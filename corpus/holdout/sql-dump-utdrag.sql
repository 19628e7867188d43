-- Utdrag ur databasen brukarregister, 2026-11-20 02:28:44
INSERT INTO brukare (id, pnr, namn, telefon, skapad) VALUES
  (4917, '20050603-2382', 'Ömer Dummysson', '070-174 06 58', '2025-08-18 14:00:15'),
  (8874, '0012232393', 'Cornelia Testlund', '070-1740644', '2025-01-04 01:01:16'),
  (4863, '20040605-2381', 'Niklas Exempelius', '070-1740653', '2025-04-02 11:10:05'),
  (1273, '0502252380', 'Åsa Påhittad', '070-174 06 69', '2025-01-25 07:03:54');
