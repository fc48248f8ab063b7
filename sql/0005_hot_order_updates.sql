-- Every order is updated four or five times within seconds of its insert. An update that touches no
-- indexed column and finds room on its page is a HOT update: no index is written and the old
-- version is pruned in place. Signatures are 64 random bytes and never looked up, so tx_hash needs
-- no unique index; half of each page is left free for the updates; vacuum comes sooner.
alter table orders drop constraint orders_tx_hash_key;
alter table orders set (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
