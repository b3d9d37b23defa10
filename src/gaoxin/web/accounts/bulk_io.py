"""The accounts app's tables in and out of xlsx: none. Users, banks and tokens are created one by one
(``gaoxin_user`` and the user pages), each change audited; the audit log is archived by the
``gaoxin_audit_archive`` command."""
