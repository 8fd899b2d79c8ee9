"""A model with a file field is audited like any other: the file is recorded by its stored name."""

import pytest

from luzhi.core.audit import save_as
from luzhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_file_fields_are_logged_by_name(users, settings, tmp_path):
    # _plain is what turns FieldFile values into names for every tracked model.
    from django.core.files.storage import FileSystemStorage
    from django.db.models.fields.files import FieldFile, FileField

    from luzhi.core.audit import _plain

    field = FileField(storage=FileSystemStorage(location=tmp_path))
    field.name = "file"
    stored = FieldFile(None, field, "replies/2026/answer.pdf")
    assert _plain(stored) == "replies/2026/answer.pdf"
    assert _plain(FieldFile(None, field, None)) == ""
    assert _plain(3) == 3
    # And an ordinary write still lands in the log.
    office = users["office"]
    office.first_name = "王"
    save_as(office, actor=office)
    assert AuditEntry.objects.filter(model="accounts.user", action="update", object_id=str(office.pk)).exists()
