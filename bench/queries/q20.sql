-- Nexmark q20 (expand bid with auction), from risingwavelabs/risingwave e2e_test/streaming/nexmark/views/q20.slt.part
CREATE MATERIALIZED VIEW nexmark_q20 AS
SELECT
    auction, bidder, price, channel, url, B.date_time as bid_date_time,
    item_name, description, initial_bid, reserve, A.date_time as auction_date_time, expires, seller, category
FROM
    bid AS B INNER JOIN auction AS A on B.auction = A.id
WHERE A.category = 10;
