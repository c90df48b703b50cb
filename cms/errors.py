from django.shortcuts import render


def not_found(request, exception=None):
    return render(request, "portal/404.html", {"site": getattr(request, "site", None)}, status=404)


def server_error(request):
    return render(request, "portal/500.html", {}, status=500)
