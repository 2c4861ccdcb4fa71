-- Nexmark q4 (average price for a category), from risingwavelabs/risingwave e2e_test/streaming/nexmark/views/q4.slt.part
CREATE MATERIALIZED VIEW nexmark_q4
AS
SELECT
    Q.category,
    AVG(Q.final) as avg
FROM (
    SELECT
        MAX(B.price) AS final, A.category
    FROM
        auction A,
        bid B
    WHERE
        A.id = B.auction AND
        B.date_time BETWEEN A.date_time AND A.expires
    GROUP BY
        A.id, A.category
    ) Q
GROUP BY
    Q.category;
