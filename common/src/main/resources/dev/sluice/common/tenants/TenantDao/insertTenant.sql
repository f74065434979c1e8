insert into tenants (id, name) values (:id, :name)
on conflict (name) do nothing
returning id
