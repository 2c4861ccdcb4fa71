-- Nexmark q0 (pass-through), from risingwavelabs/risingwave e2e_test/streaming/nexmark/views/q0.slt.part
CREATE MATERIALIZED VIEW nexmark_q0
AS
SELECT auction, bidder, price, date_time FROM bid;
