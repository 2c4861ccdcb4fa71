-- Nexmark q3 (local item suggestion), from risingwavelabs/risingwave e2e_test/streaming/nexmark/views/q3.slt.part
CREATE MATERIALIZED VIEW nexmark_q3
AS
SELECT
    P.name, P.city, P.state, A.id
FROM
    auction AS A INNER JOIN person AS P on A.seller = P.id
WHERE
    A.category = 10 and (P.state = 'or' OR P.state = 'id' OR P.state = 'ca');
