-- Nexmark q19 (auction top-10 price), from risingwavelabs/risingwave e2e_test/streaming/nexmark/views/q19.slt.part
CREATE MATERIALIZED VIEW q19
AS SELECT * FROM
    (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
WHERE rank_number <= 10;
