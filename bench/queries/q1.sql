-- Nexmark q1 (currency conversion), from risingwavelabs/risingwave e2e_test/streaming/nexmark/views/q1.slt.part
CREATE MATERIALIZED VIEW nexmark_q1
AS
SELECT
    auction,
    bidder,
    0.908 * price as price,
    date_time
FROM bid;
