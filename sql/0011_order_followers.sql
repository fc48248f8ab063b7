-- The gateways that follow an order: the one that took it, then any other a client subscribed to it
-- on (a reconnect to another gateway). Every statement that moves an order returns its row, so the
-- publisher of each event knows which gateways' inboxes it goes to without asking anyone: each
-- gateway reads only the events of the orders its sockets follow. Not indexed, so writing it keeps
-- status changes HOT. A constant default: added without rewriting the table.
alter table orders add column if not exists followers text[] not null default '{}';
