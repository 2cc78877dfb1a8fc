from django.http import Http404


def workbench(request, **kwargs):
    raise Http404


def enterprise_list(request, **kwargs):
    raise Http404


def enterprise_create(request, **kwargs):
    raise Http404


def enterprise_export(request, **kwargs):
    raise Http404


def enterprise_import(request, **kwargs):
    raise Http404


def enterprise_import_template(request, **kwargs):
    raise Http404


def enterprise_detail(request, **kwargs):
    raise Http404


def enterprise_edit(request, **kwargs):
    raise Http404


def commissioner_assign(request, **kwargs):
    raise Http404


def contact_add(request, **kwargs):
    raise Http404


def assignment_import(request, **kwargs):
    raise Http404


def assignment_import_template(request, **kwargs):
    raise Http404

