from django.http import HttpResponse

from welfare.accounts.access import allow
from welfare.accounts.scoping import get_scoped_or_404

from .models import Dossier


@allow("welfare.view_cases")
def dossier_detail(request, pk):
    dossier = get_scoped_or_404(Dossier, request.user, pk=pk)
    return HttpResponse(dossier.title)


def undeclared(request):
    """A view that forgot to say who may open it: the middleware must refuse it."""
    return HttpResponse("open")
