// pgJDBC against Runnel: run by tests/clients (go test) as a single-file program
// (java -cp postgresql.jar Scenario.java) with PGHOST/PGPORT in the environment.
// Prints one line per step; any failure throws, which exits non-zero.

import java.math.BigDecimal;
import java.sql.*;
import java.time.*;
import java.util.*;

public class Scenario {
    static void step(String name) { System.out.println("ok " + name); }

    static void check(boolean ok, Object... what) {
        if (!ok) throw new AssertionError(Arrays.deepToString(what));
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/dev";
        Properties props = new Properties();
        props.setProperty("user", "root");
        props.setProperty("sslmode", "disable");
        // Prepare server-side from the first execution, so parameters and results go binary.
        props.setProperty("prepareThreshold", "1");
        try (Connection conn = DriverManager.getConnection(url, props)) {
            DatabaseMetaData md = conn.getMetaData();
            System.out.println(md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
            step("connect");

            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE j_types (id int PRIMARY KEY, b boolean, i2 smallint, i8 bigint, f4 real, "
                        + "f8 double precision, n numeric, s varchar, by bytea, d date, ts timestamp, tz timestamptz, j jsonb)");
            }
            OffsetDateTime tz = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123456000, ZoneOffset.ofHours(2));
            LocalDateTime ts = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123456000);
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO j_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                for (int i = 1; i <= 3; i++) { // several executions: the later ones use the named server statement
                    ps.setInt(1, i);
                    ps.setBoolean(2, true);
                    ps.setShort(3, (short) -7);
                    ps.setLong(4, 1L << 40);
                    ps.setFloat(5, 1.5f);
                    ps.setDouble(6, 2.25);
                    ps.setBigDecimal(7, new BigDecimal("123.45"));
                    ps.setString(8, "héllo");
                    ps.setBytes(9, new byte[] {0, 1, (byte) 255});
                    ps.setObject(10, LocalDate.of(2024, 2, 29));
                    ps.setObject(11, ts);
                    ps.setObject(12, tz);
                    ps.setString(13, "{\"a\": 1}");
                    check(ps.executeUpdate() == 1, "insert count");
                }
                ps.setInt(1, 4);
                for (int i = 2; i <= 12; i++) ps.setNull(i, Types.NULL);
                ps.setNull(13, Types.VARCHAR);
                ps.executeUpdate();
            }
            step("parameters of every type");

            try (PreparedStatement ps = conn.prepareStatement("SELECT b, i2, i8, f4, f8, n, s, by, d, ts, tz, j FROM j_types WHERE id = ?")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        check(rs.next(), "row", i);
                        check(rs.getBoolean(1), "bool");
                        check(rs.getShort(2) == -7, "smallint", rs.getShort(2));
                        check(rs.getLong(3) == 1L << 40, "bigint");
                        check(rs.getFloat(4) == 1.5f, "real");
                        check(rs.getDouble(5) == 2.25, "double");
                        check(rs.getBigDecimal(6).compareTo(new BigDecimal("123.45")) == 0, "numeric", rs.getBigDecimal(6));
                        check(rs.getString(7).equals("héllo"), "varchar", rs.getString(7));
                        check(Arrays.equals(rs.getBytes(8), new byte[] {0, 1, (byte) 255}), "bytea");
                        check(rs.getObject(9, LocalDate.class).equals(LocalDate.of(2024, 2, 29)), "date");
                        check(rs.getObject(10, LocalDateTime.class).equals(ts), "timestamp", rs.getObject(10, LocalDateTime.class));
                        check(rs.getObject(11, OffsetDateTime.class).isEqual(tz), "timestamptz", rs.getObject(11, OffsetDateTime.class));
                        check(rs.getString(12).equals("{\"a\": 1}"), "jsonb", rs.getString(12));
                    }
                }
                ps.setInt(1, 4);
                try (ResultSet rs = ps.executeQuery()) {
                    check(rs.next(), "null row");
                    for (int c = 1; c <= 12; c++) {
                        check(rs.getObject(c) == null, "NULL column", c, rs.getObject(c));
                    }
                }
            }
            step("round trip, text and binary");
            step("NULLs");

            try (Statement st = conn.createStatement()) {
                st.execute("SET TIME ZONE 'America/Los_Angeles'");
                try (ResultSet rs = st.executeQuery("SELECT '2024-07-01 12:00:00+00'::timestamptz::text, '2024-07-01 12:00:00+00'::timestamptz")) {
                    check(rs.next());
                    check(rs.getString(1).equals("2024-07-01 05:00:00-07"), "text", rs.getString(1));
                    check(rs.getObject(2, OffsetDateTime.class).toInstant().equals(Instant.parse("2024-07-01T12:00:00Z")), "instant");
                }
                st.execute("SET TIME ZONE 'UTC'");
            }
            step("time zones");

            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE j_big (id int PRIMARY KEY)");
                st.execute("INSERT INTO j_big SELECT g FROM generate_series(1, 5000) g");
            }
            conn.setAutoCommit(false); // setFetchSize reads through a portal only inside a transaction
            try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM j_big WHERE id > ? ORDER BY id")) {
                ps.setFetchSize(500);
                ps.setInt(1, 0);
                long n = 0, sum = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) { n++; sum += rs.getInt(1); }
                }
                check(n == 5000 && sum == 5000L * 5001 / 2, "fetch size", n, sum);
            }
            conn.commit();
            try (Statement st = conn.createStatement()) {
                st.execute("INSERT INTO j_types (id) VALUES (5)");
            }
            conn.rollback();
            conn.setAutoCommit(true);
            step("fetch size 500 with autocommit off, commit, rollback");

            String[][] errors = {
                {"SELECT * FROM nope", "42P01"}, {"SELECT 1/0", "22012"}, {"SELEC 1", "42601"}, {"SELECT 'x'::int", "22P02"},
            };
            for (String[] e : errors) {
                try (Statement st = conn.createStatement()) {
                    st.executeQuery(e[0]);
                    throw new AssertionError(e[0] + " succeeded");
                } catch (SQLException ex) {
                    check(e[1].equals(ex.getSQLState()), e[0], ex.getSQLState(), ex.getMessage());
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT 10 / ?")) {
                ps.setInt(1, 0);
                ps.executeQuery();
                throw new AssertionError("division by zero succeeded");
            } catch (SQLException ex) {
                check("22012".equals(ex.getSQLState()), ex.getSQLState());
            }
            step("errors with SQLSTATE");

            try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"})) {
                Set<String> names = new TreeSet<>();
                while (rs.next()) names.add(rs.getString("TABLE_NAME"));
                check(names.contains("j_types") && names.contains("j_big"), "getTables", names);
            }
            try (ResultSet rs = md.getColumns(null, "public", "j_types", "%")) {
                Set<String> cols = new TreeSet<>();
                while (rs.next()) cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
                check(cols.size() > 3, "getColumns", cols);
            }
            try (ResultSet rs = md.getPrimaryKeys(null, "public", "j_types")) {
                check(rs.next(), "getPrimaryKeys: no row");
                check("id".equals(rs.getString("COLUMN_NAME")) && rs.getInt("KEY_SEQ") == 1, "getPrimaryKeys",
                        rs.getString("COLUMN_NAME") + " " + rs.getInt("KEY_SEQ"));
                check(!rs.next(), "getPrimaryKeys: more than one key column");
            }
            try (ResultSet rs = md.getSchemas()) {
                boolean found = false;
                while (rs.next()) found |= rs.getString(1).equals("public");
                check(found, "getSchemas");
            }
            step("DatabaseMetaData getTables, getColumns, getPrimaryKeys, getSchemas");
        }
        System.out.println("pgJDBC scenario passed");
    }
}
