-- The claim walks each subscription's due deliveries oldest first (DeliverySender.CLAIM), as far as its free slots.
create index delivery_subscription_due on delivery (subscription_key, next_attempt_at, id)
    where status in ('pending', 'retrying');
