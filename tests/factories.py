import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from viaticos.models import Organization, Project, TravelerProfile

PASSWORD = "s3cret-pass!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[r.value for r in extracted]))
        self.save()

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create and extracted:
            TravelerProfileFactory(user=self)


class TravelerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelerProfile

    document_type = TravelerProfile.DocumentType.DNI
    document_number = factory.Sequence(lambda n: f"{40000000 + n}")
    home_country = "PE"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = "Secretaría Ejecutiva Regional"
    tax_id = "20512345678"
    address = "Av. Javier Prado Este 1234, Lima"
    duty_city = "Lima"
    duty_country = "PE"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Faker("sentence", nb_words=4)
    donor = "Unión Europea"
    coordinator = factory.SubFactory(UserFactory)


def pdf_bytes(pages: int = 1, title: str = "doc") -> bytes:
    """A real PDF (blank A4 pages) that passes the upload check's full parse."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
